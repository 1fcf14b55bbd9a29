module example.com/grapp

go 1.25
