"""ScannerCapabilities documents shaped like those of real scanners (trimmed, structure kept)."""

NS = (
    'xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" '
    'xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"'
)


def _discrete(*dpis: int) -> str:
    items = "".join(
        f"<scan:DiscreteResolution><scan:XResolution>{d}</scan:XResolution>"
        f"<scan:YResolution>{d}</scan:YResolution></scan:DiscreteResolution>"
        for d in dpis
    )
    return f"<scan:SupportedResolutions><scan:DiscreteResolutions>{items}</scan:DiscreteResolutions></scan:SupportedResolutions>"


def _modes(*modes: str) -> str:
    return (
        "<scan:ColorModes>"
        + "".join(f"<scan:ColorMode>{m}</scan:ColorMode>" for m in modes)
        + "</scan:ColorModes>"
    )


def _formats(*mimes: str) -> str:
    body = "".join(
        f"<pwg:DocumentFormat>{m}</pwg:DocumentFormat><scan:DocumentFormatExt>{m}</scan:DocumentFormatExt>"
        for m in mimes
    )
    return f"<scan:DocumentFormats>{body}</scan:DocumentFormats>"


def _input(tag: str, width: int, height: int, profile: str) -> str:
    return (
        f"<scan:{tag}><scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>{width}</scan:MaxWidth>"
        f"<scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>{height}</scan:MaxHeight>"
        f"<scan:SettingProfiles>{profile}</scan:SettingProfiles></scan:{tag}>"
    )


HP_PROFILE = (
    "<scan:SettingProfile>"
    + _modes("BlackAndWhite1", "Grayscale8", "RGB24")
    + _formats("application/pdf", "image/jpeg")
    + _discrete(75, 100, 200, 300, 600)
    + "</scan:SettingProfile>"
)
# HP LaserJet MFP: platen + simplex ADF, discrete resolutions, JPEG and PDF.
HP = (
    f'<?xml version="1.0" encoding="UTF-8"?><scan:ScannerCapabilities {NS}>'
    "<pwg:Version>2.63</pwg:Version><pwg:MakeAndModel>HP LaserJet MFP M428fdw</pwg:MakeAndModel>"
    f"<scan:Platen>{_input('PlatenInputCaps', 2550, 3508, HP_PROFILE)}</scan:Platen>"
    f"<scan:Adf>{_input('AdfSimplexInputCaps', 2550, 4200, HP_PROFILE)}"
    "<scan:FeederCapacity>50</scan:FeederCapacity><scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption>"
    "</scan:AdfOptions></scan:Adf></scan:ScannerCapabilities>"
)

# Canon imageCLASS: resolution RANGE, default namespace prefixes differ ("escl:"), platen only.
CANON = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<escl:ScannerCapabilities xmlns:escl="http://schemas.hp.com/imaging/escl/2011/05/03" '
    'xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"><pwg:Version>2.6</pwg:Version>'
    "<pwg:MakeAndModel>Canon MF440 Series</pwg:MakeAndModel><escl:Platen><escl:PlatenInputCaps>"
    "<escl:MaxWidth>2551</escl:MaxWidth><escl:MaxHeight>3508</escl:MaxHeight><escl:SettingProfiles><escl:SettingProfile>"
    "<escl:ColorModes><escl:ColorMode>RGB24</escl:ColorMode><escl:ColorMode>Grayscale8</escl:ColorMode></escl:ColorModes>"
    "<escl:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat></escl:DocumentFormats>"
    "<escl:SupportedResolutions><escl:ResolutionRange><escl:XResolutionRange><escl:Min>75</escl:Min><escl:Max>600</escl:Max>"
    "<escl:Normal>300</escl:Normal><escl:Step>1</escl:Step></escl:XResolutionRange><escl:YResolutionRange><escl:Min>75</escl:Min>"
    "<escl:Max>600</escl:Max><escl:Normal>300</escl:Normal><escl:Step>1</escl:Step></escl:YResolutionRange></escl:ResolutionRange>"
    "</escl:SupportedResolutions></escl:SettingProfile></escl:SettingProfiles></escl:PlatenInputCaps></escl:Platen>"
    "</escl:ScannerCapabilities>"
)

# Brother: profiles declared once by name and referenced by each input; duplex ADF as a separate caps block.
_BROTHER_NAMED = (
    '<scan:SettingProfile name="p1">'
    + _modes("Grayscale8", "RGB24")
    + _formats("application/pdf", "image/jpeg")
    + _discrete(100, 150, 200, 300)
    + "</scan:SettingProfile>"
)
BROTHER = (
    f'<?xml version="1.0" encoding="UTF-8"?><scan:ScannerCapabilities {NS}>'
    "<pwg:Version>2.5</pwg:Version><pwg:MakeAndModel>Brother MFC-L2750DW series</pwg:MakeAndModel>"
    f"<scan:SettingProfiles>{_BROTHER_NAMED}</scan:SettingProfiles>"
    "<scan:Platen>"
    + _input("PlatenInputCaps", 2550, 3508, '<scan:SettingProfile ref="p1"/>')
    + "</scan:Platen>"
    "<scan:Adf>"
    + _input("AdfSimplexInputCaps", 2550, 4200, '<scan:SettingProfile ref="p1"/>')
    + _input("AdfDuplexInputCaps", 2550, 4200, '<scan:SettingProfile ref="p1"/>')
    + "</scan:Adf></scan:ScannerCapabilities>"
)

# Kyocera: DiscreteResolution with X only; lineart mode; duplex announced by AdfOption.
KYOCERA = (
    f'<?xml version="1.0" encoding="UTF-8"?><scan:ScannerCapabilities {NS}>'
    "<pwg:Version>2.62</pwg:Version><pwg:MakeAndModel>Kyocera ECOSYS M2540dn</pwg:MakeAndModel>"
    "<scan:Adf>"
    + _input(
        "AdfSimplexInputCaps",
        2551,
        4205,
        "<scan:SettingProfile>"
        + _modes("BlackAndWhite1", "Grayscale8", "RGB24")
        + _formats("application/pdf")
        + "<scan:SupportedResolutions><scan:DiscreteResolutions><scan:DiscreteResolution><scan:XResolution>200</scan:XResolution>"
        "</scan:DiscreteResolution><scan:DiscreteResolution><scan:XResolution>300</scan:XResolution></scan:DiscreteResolution>"
        "</scan:DiscreteResolutions></scan:SupportedResolutions></scan:SettingProfile>",
    )
    + "<scan:AdfOptions><scan:AdfOption>Duplex</scan:AdfOption></scan:AdfOptions></scan:Adf></scan:ScannerCapabilities>"
)

# Epson: 48-bit and 16-bit modes besides the usual, both discrete list and range in one profile.
EPSON = (
    f'<?xml version="1.0" encoding="UTF-8"?><scan:ScannerCapabilities {NS}>'
    "<pwg:Version>2.6</pwg:Version><pwg:MakeAndModel>EPSON ET-4850 Series</pwg:MakeAndModel><scan:Platen>"
    + _input(
        "PlatenInputCaps",
        2550,
        3508,
        "<scan:SettingProfile>"
        + _modes("RGB24", "RGB48", "Grayscale8", "Grayscale16")
        + _formats("image/jpeg", "application/pdf", "image/png")
        + _discrete(100, 300, 1200)
        + "</scan:SettingProfile>",
    )
    + "</scan:Platen></scan:ScannerCapabilities>"
)

STATUS_IDLE = (
    f'<?xml version="1.0" encoding="UTF-8"?><scan:ScannerStatus {NS}><pwg:Version>2.6</pwg:Version>'
    "<pwg:State>Idle</pwg:State><scan:AdfState>{adf}</scan:AdfState></scan:ScannerStatus>"
)
