"""Models of 绩效评价."""
