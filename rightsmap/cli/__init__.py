"""The command line (python -m rightsmap), the server launcher (serve) and the LAN proxy (lan)."""
