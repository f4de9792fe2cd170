"""Reading articles from files, folders, URLs and feeds into ``veille.model.Article`` objects."""
