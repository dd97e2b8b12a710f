"""Connectors: fetch data from outside providers and hand it to the same validation as files.

Each connector is a module with the fetch -> transform -> records shape of OpenBB's fetchers:
``transform_query`` (corevar's parameters to the provider's), ``extract_data`` (the only function that touches the
network), ``transform_data`` (the provider's response to corevar records). Only ``extract_data`` needs the
provider's library, so the rest is tested without it and without a network. Connectors live behind the
``connectors`` extra: ``pip install 'corevar[connectors]'``.
"""
