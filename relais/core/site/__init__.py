"""The frame around every page: error pages, legal pages, operator identity, deploy checks."""
