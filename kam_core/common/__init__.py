"""Helpers every layer uses: the programme's day, text folding and Markdown escaping, number and date
formats, errors.
"""
