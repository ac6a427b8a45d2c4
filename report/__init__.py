from . import vmi_stock_sheet
