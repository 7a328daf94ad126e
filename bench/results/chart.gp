set terminal pngcairo size 1000,560 font ',11' noenhanced
set output 'bench/results/chart.png'
set title 'Echo ping-pong throughput relative to JDK virtual-thread sockets (1.0 = JDK)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set ylabel 'throughput / JDK'
set grid ytics
set key top left
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2 lc rgb '#444444'
plot 'bench/results/chart.dat' using 2:xtic(1) title columnheader(2) , '' using 3:xtic(1) title columnheader(3) , '' using 4:xtic(1) title columnheader(4) , '' using 5:xtic(1) title columnheader(5)
