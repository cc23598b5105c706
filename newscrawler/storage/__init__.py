"""Storage backends: MongoDB (`mongo`) and the dead-letter file (`deadletter`)."""
