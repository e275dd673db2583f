"""handout"""
