"""Models of 重点评价."""
