"""Package data shipped with the registry (reference tables read with importlib.resources)."""
