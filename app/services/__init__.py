"""The clerk's use cases as plain functions (no Qt, no HTTP). The UI builds against exactly these.

Context
    desk = Desk(db, blobs, settings, clerk_id, now=vn_now)        # app.services.context
        db: app.storage.Database (open_db(path); one per thread), blobs: app.storage.BlobStore,
        settings: app.config.Settings (agency_code, desk, point_code, saturday_reception),
        clerk_id: the logged-in clerk's id (every event's actor), now: () -> aware datetime.

Receiving and changes before a result (app.services.intake) -> DossierState
    receive(desk, request)                 request: app.services.receive_request.ReceiveRequest
                                           (procedure code + version, applicant, DocumentIn(component,
                                           name, copy_kind, pages: PageMeta..., pdf: FileIn | None,
                                           ocr_text), return_method, paper_checked, fee_adjustment,
                                           copies, online, allow_incomplete), or the same as a dict
                                           (`ReceiveRequest.as_mapping()`; scripts and tests).
                                           paper_checked: components checked on paper only (an original
                                           shown and handed back): checklist item provided=True,
                                           digitized=False, paper_note=reason (app.services.quality).
                                           Pages must already be in the BlobStore (blobs.put_bytes/put_file).
                                           Checklist, fees (app.services.fees over the catalog rules; a
                                           clerk's changed total through adjust_fees), due date
                                           (app.calendar, 15:00 rule) and the code (app.codes) are
                                           computed here.
    correct(desk, dossier_id, {applicant?, return_method?, checklist?}, reason)
    add_documents(desk, dossier_id, documents, completes_supplement=False)
    request_supplement(desk, dossier_id, items=[{name, copy_kind, note}], reason)      form 02
    refuse(desk, dossier_id, reason)                                                  form 03
    validate_return_method(raw) -> dict    {kind: desk|post, ...}; ValidationError in Vietnamese
    find_procedure(desk, code) -> app.catalog.Procedure  (NotFoundError, Vietnamese message)
    app.services.documents.set_document_text(db, dossier_id, document_id, text)   OCR text, searchable

After receipt (app.services.returns) -> DossierState
    record_fee(desk, dossier_id, amount, method="cash"|"transfer"|"card", receipt_no="")
    issue_apology(desk, dossier_id, reason, new_due_date)                            form 04
    return_result(desk, dossier_id, receiver_name, id_checked=True, by_post=False, tracking_no="")
    rate(desk, dossier_id, "rat_hai_long" | "hai_long" | "khong_hai_long")

The rest of a dossier's life (app.services.lifecycle) -> DossierState
    cancel_entry(desk, dossier_id, reason, approver_id)   same day; approver a head account; code kept
    stop_processing(desk, dossier_id, reason, signer_name)                           form 05 (head)
    hand_off(desk, dossier_id, "to_agency"|"to_point", giver, taker, from_unit, to_unit, note)  06
    record_result(desk, dossier_id, kind="paper"|"electronic"|"both", note, outcome)   result here
    update_postal(desk, dossier_id, "delivered"|"returned_to_sender", tracking_no)
    returns.return_result refuses a hand-back before a result, except for a procedure the point
    settles itself (same day / immediate), whose result it records first in the same transaction;
    returns.may_hand_back(db, state) tells the screens.
Form 02 at intake (app.services.guidance): supplement_at_intake(desk, code, name, items, reason)
    -> GuidanceGiven(seq, pdf); nothing received, one audit row `guidance.supplement`, counted.
Register (app.services.register): a book per year, số thứ tự d*100000+n given at receipt
    (received payload `register: {book, no}`); entries(db, first, last) for form 07.
Forms of a dossier (app.services.dossier_forms): render_form(db, state, "01".."06", settings, name)
The cash desk (app.services.cashdesk, receipts, cash_report; schema 9)
    quote(desk, dossier_id, FeeRequest(copies, pages?, components?, channel, exemption?)) -> FeeQuote
    collect(desk, dossier_id, FeeRequest, Payment(method cash|transfer|epay, transfer_confirmed, epay_ref),
            ReceiptChoice(kind printed|preprinted|electronic, number?)) -> Collected (receipt, qr_payload)
    transfer_qr(desk, state, amount) -> VietQR payload (settings: bank_bin, bank_account, bank_beneficiary)
    receipts.add_range(desk, form, series, first, last, desk_no, kind)   head/admin; ranges never overlap
    receipts.void_receipt(desk, ReceiptNo, reason)   the number stays used; the fold takes the money off
    cash_report.day_report(db, day, clerk_id=None) ; cash_report.submit(desk, day, counted_cash, reason)

Reads (app.services.queries), indexed, fast at 100,000 dossiers (bench/store_bench.py)
    list_dossiers(db, filter="all", query="", today=None, limit=50, offset=0, after=None,
                  with_total=True) -> DossierPage   keyset paging: pass page.next_after as `after`
        filter in FILTERS: all, today, due_today, due_soon, overdue, awaiting_result, result_ready,
        returned, refused, unsynced; query matches code (or its beginning), applicant name with or
        without diacritics, ID number, scanned (OCR) text. Items are dicts: id, code, status,
        status_label, procedure_code, procedure_name, applicant_name, id_number, received_at,
        due_date, returned_at, fees_quoted, fees_collected, flag_count, is_overdue.
    get_dossier(db, id_or_code) -> DossierState
    dashboard(db, today) -> {received_today, due_today, overdue, awaiting_result, result_ready,
        returned_today, returned, refused, on_time_rate}   (status totals from the trigger-kept
        `dossier_counts`, schema 5; ~1 ms at 100,000 dossiers)

Clerks (app.services.clerks)
    add_clerk(db, username, full_name, role, password, actor) ; login(db, username, password) -> Clerk
    change_password(db, clerk_id, new_password, actor) ; set_active(db, clerk_id, active, actor)
    list_clerks(db) ; Clerk.require("head", "admin")

Roles (app.services.permissions; enforced inside each write's transaction, PermissionDenied with a
Vietnamese message, nothing written)
    receive, correct, add_documents, request_supplement (02), record_fee, return_result, rate:
        clerk, head, admin
    refuse (03): clerk, head (admin is a technical account)
    issue_apology (04), stop_processing (05), approving a cancellation: head
    add_clerk, set_active, change_password of another account: admin ("clerk.manage");
        restoring a backup ("store.restore"): admin. An actor that is not a clerk id ('system', 'cli')
        is a process with direct access to the store and is not checked.
    a deactivated account: nothing (also when deactivated while its Desk is open)
    authorize(db, clerk_id, action) lets the UI grey out what a role may not do.

Checks and demo
    app.services.integrity.run(db, blobs, progress, is_cancelled) -> [CheckResult(name, ok, detail)]
    app.services.demo.seed_demo(db, blobs, settings, dossiers=30, pages=1, progress, is_cancelled, seed)

Errors: every failure the clerk may see is an app.domain.errors.AppError with `user_message` in
Vietnamese (ValidationError.problems lists each problem; NotFoundError; StateError; DiskFullError).
A failed call writes nothing: each action is one SQLite transaction (event + outbox + audit + projection).
"""
