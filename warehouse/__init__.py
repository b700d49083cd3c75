"""The DuckDB warehouse: storage, loading, building and publishing (this folder), and what is made
from it for people in rooms of its own: files/ (the published list files), reports/ (district,
staff and monthly reports) and site/ (the public site). Modules here never import those rooms.
"""
