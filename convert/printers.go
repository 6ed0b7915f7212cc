package convert

// printers are the targets' printers.
var printers = map[Target]printer{}
