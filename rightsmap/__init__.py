"""rightsmap: aggregated, location-coarsened documentation of rights violations in Kyrgyzstan."""

__version__ = "0.1.0"
