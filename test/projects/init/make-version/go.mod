module example.com/makeversion

go 1.25
