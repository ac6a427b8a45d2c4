from . import vmi_stock_sheet
from . import vmi_monthly_review
