"""重点评价: key evaluations of projects, policies, departments, sub-districts and procurement.

Scored by drawn agencies and experts against frameworks kept as data.
"""
