module example.com/vendored

go 1.25

require example.com/greet v1.0.0
