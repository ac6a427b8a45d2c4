from . import vmi_monthly_review
