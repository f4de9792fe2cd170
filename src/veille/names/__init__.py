"""The names veille knows: the knowledge base of countries, capitals, demonyms and organisations,
and the many-language name sources it and the gazetteer read. Below ``nlp``, ``resolve`` and ``geo``."""
