"""The public view's protection: the protected table's layout, the protector, its audit and solver, releases,
and the public figures read from the table. Imports rightsmap.data and rightsmap.domain (and the
independent attacker, rightsmap.attack)."""
