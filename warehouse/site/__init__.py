"""The public site (公开公示): every version's 办事指南, sites, changes and search as static pages.

public_site.py gathers and writes a build and swaps it in; data.py reads what a version shows;
pages.py renders every page (the only HTML writer here); stations.py writes each district's and
site's pages; assets/ are the site's css and js; screenshots/ the README's pictures of it.
It reads the warehouse and the published list files (warehouse/files/), and writes only OUT/site.
"""
