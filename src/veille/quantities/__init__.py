"""Quantities named in text: amounts of money, counts, distances, and dates."""
