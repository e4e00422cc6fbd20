"""Models of 第三方机构库与专家库."""
