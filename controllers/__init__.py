from . import portal
from . import purchase_portal
