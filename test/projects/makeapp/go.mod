module example.com/makeapp

go 1.25
