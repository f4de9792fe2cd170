"""Claims: who said, assessed, warned or forecast what, with the source resolved."""
