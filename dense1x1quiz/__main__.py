from dense1x1quiz.cli import main

main()
