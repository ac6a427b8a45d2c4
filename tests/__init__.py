from . import test_rules
from . import test_seed_cycle
from . import test_agreement
from . import test_reorder
from . import test_proposal
from . import test_ownership
from . import test_settlement
from . import test_security
