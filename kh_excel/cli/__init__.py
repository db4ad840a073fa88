"""The command line: thin click adapters over the library. Only this package imports click."""
