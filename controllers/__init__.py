from . import portal
from . import purchase_portal
from . import portal_projection
from . import portal_overstock
from . import portal_demand_plan
from . import portal_sheet
from . import portal_import
from . import portal_review
