"""jobtal: monthly employment statistics per Danish jobcentre, published as a static website."""

__version__ = "0.1.0"
