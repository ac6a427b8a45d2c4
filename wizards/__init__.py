from . import vmi_settlement_wizard
from . import vmi_proposal_decline_wizard
from . import vmi_settlement_resolve_wizard
