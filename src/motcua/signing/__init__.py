"""Digital signatures on result documents: PAdES signing with pyHanko, verification against
this installation's trust roots, and the demo PKI that lets `make run` sign out of the box.

See docs/adr/0003-signatures.md.
"""
