"""corevar.chains: thematic baskets of stocks, their prices, returns, risk, attribution and event studies."""
