"""Reading articles from files, folders, URLs and feeds."""
