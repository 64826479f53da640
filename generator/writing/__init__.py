"""Facts and scores -> news-style markdown articles, from editable Jinja templates."""
