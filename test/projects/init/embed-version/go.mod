module example.com/embedversion

go 1.25
