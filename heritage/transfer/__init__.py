"""Bulk import and export: files in, files out.

* :mod:`~heritage.transfer.mapping`: the TOML mapping file (columns → registry fields).
* :mod:`~heritage.transfer.sources`: reading CSV and JSON Lines, encodings detected.
* :mod:`~heritage.transfer.rows`: converting and checking a row with the services' rules.
* :mod:`~heritage.transfer.writer`: writing batches with their change history.
* :mod:`~heritage.transfer.importer`: one import, all or nothing.
* :mod:`~heritage.transfer.export`: CSV and GeoJSON exports of any filter.
* :mod:`~heritage.transfer.commands` and :mod:`~heritage.transfer.web`: the edges.
"""
