"""The portfolio: segmentation (axis scores, quadrants, capacity), scoring, the matrix, the account
list and directory.
"""
