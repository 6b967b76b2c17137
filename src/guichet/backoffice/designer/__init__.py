"""The service designer (issue 15): an authority's designers build, version and publish its
services, forms and workflows in the back office; every write is a catalogue or authorities
action (catalogue/versions.py, authorities/service_design.py)."""
