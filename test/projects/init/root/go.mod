module example.com/rootapp

go 1.25
