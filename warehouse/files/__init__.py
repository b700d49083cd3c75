"""The published files of a version: the 指导目录清单 as xlsx, csv and parquet and the latest links
(catalog_list.py), every site's items as parquet per district (site_items.py), and the views as
parquet for `mulu query` (snapshot.py). Written aside and swapped in whole (warehouse/swap.py).
"""
