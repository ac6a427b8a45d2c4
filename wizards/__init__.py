from . import vmi_settlement_wizard
from . import vmi_proposal_decline_wizard
from . import vmi_settlement_resolve_wizard
from . import vmi_post_confirm_wizard
from . import vmi_sheet_import_wizard
from . import vmi_review_wizard
