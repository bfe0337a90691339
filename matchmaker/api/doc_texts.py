"""The API documentation page's texts (operations' summaries, responses and fields), marked
for translation: the page shows them in the reader's language, their Markdown rendered. A test
checks that every text of the OpenAPI document is listed here."""

from matchmaker.services.reference import N_

TEXTS = frozenset(
    {
        N_("0-100, calibrated"),
        N_("A conversation's messages, oldest first."),
        N_("Approve or reject a proposal, with an optional note (staff only)."),
        N_("Changed since the given version"),
        N_("Create the calling firm account's firm (once)."),
        N_("Created"),
        N_("Current page number."),
        N_("EDB's note (staff only)."),
        N_(
            "Firms, proposals and messages of the Pakistan-Belarus Joint Working Group's "
            "partner matching. Every call needs a personal API token (account page, or "
            "`flask --app matchmaker users token EMAIL`)."
        ),
        N_("First available page number."),
        N_("In the firm's company account: `admin` or `member`."),
        N_("Items in all, counted up to 10,001"),
        N_("Last available page number."),
        N_("Next page number."),
        N_("No or invalid API token"),
        N_("No such conversation (or not yours)"),
        N_("No such firm"),
        N_("No such proposal"),
        N_("No such proposal (or not yours)"),
        N_("Not a firm account"),
        N_("Not your firm"),
        N_("OK"),
        N_("One firm's profile."),
        N_("One proposal."),
        N_("Only EDB staff decide"),
        N_("Only for the firm itself, EDB staff and introduced partners."),
        N_("Previous page number."),
        N_("Replace the calling account's own firm profile."),
        N_("Staff: every proposal (filter by `status`). A firm: its approved introductions."),
        N_("The account already has a firm"),
        N_("The account the token belongs to."),
        N_("The calling firm's conversations with unread counts."),
        N_("The cooperation types firms offer and seek."),
        N_("The firm directory: search `q` over name, city, offers, seeks and description."),
        N_("The score as people see it: calibrated percent and label"),
        N_("The sector taxonomy with ISIC Rev.4 codes."),
        N_("The version you decided on; a stale one answers 409."),
        N_("Total number of items."),
        N_("Total number of pages."),
        N_("True when there are more than 10,000 (total is then 10,001)"),
        N_("Write to the partner firm."),
        N_(
            "open; closed (a firm declined the introduction) or withdrawn (EDB reversed its "
            "approval): both read-only"
        ),
        N_("strong, good or possible"),
    }
)
