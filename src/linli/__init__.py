"""Linli (邻里): micro-grid community governance."""
