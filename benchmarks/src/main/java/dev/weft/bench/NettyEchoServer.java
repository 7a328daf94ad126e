package dev.weft.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

/**
 * The echo server a performance-minded user would write with Netty 4.2 instead of weft: the
 * third peer in bench/run.sh, on its epoll or io_uring transport.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.weft.bench.NettyEchoServer 9000 io_uring [threads]</pre>
 *
 * <p>Event-loop threads default to the number of cores, as many as the JDK's virtual-thread
 * carriers, so no peer gets more threads than another.
 */
public final class NettyEchoServer {
    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        String transport = args.length > 1 ? args[1] : "epoll";
        int threads = args.length > 2 ? Integer.parseInt(args[2])
                : Runtime.getRuntime().availableProcessors();

        IoHandlerFactory io;
        Class<? extends ServerChannel> channel;
        switch (transport) {
            case "epoll" -> {
                io = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
            }
            case "io_uring" -> {
                io = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
            }
            default -> throw new IllegalArgumentException("transport must be epoll or io_uring");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, io);
        try {
            var bound = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new Echo())
                    .bind(port).sync().channel();
            System.out.println("Netty " + transport + " echo server, " + threads
                    + " event loops, listening on " + bound.localAddress());
            bound.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    @Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);              // the buffer goes back out as it came in
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();                 // one flush per read batch
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();                 // resets are normal at the end of a load run
        }
    }
}
