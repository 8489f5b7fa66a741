; Inno Setup 6 script for the Windows desk (Một Cửa Desk). Not built in CI (no Windows there).
; Build first:  set MOTCUA_TESSERACT_DIR=C:\Program Files\Tesseract-OCR
;               .venv\Scripts\pyinstaller --noconfirm --clean build.spec
; then:         "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\motcua.iss
; Output:       installer\windows\Output\motcua-setup-<version>.exe
; Silent install for IT staff:  motcua-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;   then: "C:\Program Files\MotCua\motcua.exe" setup --point-code ... --desk N ...

#define AppName "Một Cửa Desk"
#define AppVersion "0.1.0"
#define DistDir "..\..\dist\motcua"

[Setup]
AppId={{7C1B6F4E-2D5A-4F3B-9C64-0D8E5A2B7F10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Trung tâm Phục vụ hành chính công TP Hà Nội
DefaultDirName={autopf}\MotCua
DefaultGroupName={#AppName}
OutputBaseFilename=motcua-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
WizardStyle=modern
UninstallDisplayIcon={app}\motcua.exe

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
; the whole PyInstaller onedir bundle (Tesseract with vie/eng/osd is inside _internal\tesseract)
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\motcua.exe"
Name: "{group}\Kiểm tra máy (self-test)"; Filename: "{cmd}"; Parameters: "/k ""{app}\motcua.exe"" self-test"
Name: "{commondesktop}\{#AppName}"; Filename: "{app}\motcua.exe"

[Run]
; check the machine right after installing; the result stays on screen for IT staff
Filename: "{cmd}"; Parameters: "/k ""{app}\motcua.exe"" self-test"; Description: "Kiểm tra máy (self-test)"; Flags: postinstall skipifsilent
Filename: "{app}\motcua.exe"; Description: "Mở phần mềm"; Flags: postinstall nowait skipifsilent unchecked

[UninstallDelete]
; data (desk.db, blobs, config.toml) lives in %LOCALAPPDATA%\motcua and is never deleted here
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
