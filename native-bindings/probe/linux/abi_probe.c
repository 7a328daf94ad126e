/*
 * ABI probe for dev.weft.bindings.linux: prints "NAME VALUE" for every struct size, field
 * offset, field size and constant the Java bindings declare, taken from the kernel and glibc
 * headers of the machine that builds weft. LinuxAbiProbeTest compiles and runs it and compares
 * each line with the Java side; a binding the probe does not print fails that test.
 *
 * Names: "sizeof(S)", "offsetof(S.F)", "sizeof(S.F)" for struct S and field F; constants by
 * their C name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define SIZE(s) printf("sizeof(%s) %zu\n", #s, sizeof(struct s))
#define FIELD(s, f) \
    printf("offsetof(%s.%s) %zu\n", #s, #f, offsetof(struct s, f)); \
    printf("sizeof(%s.%s) %zu\n", #s, #f, sizeof(((struct s *) 0)->f))
#define CONST(c) printf("%s %lld\n", #c, (long long) (c))

int main(void) {
    SIZE(io_uring_sqe);
    FIELD(io_uring_sqe, opcode);
    FIELD(io_uring_sqe, flags);
    FIELD(io_uring_sqe, ioprio);
    FIELD(io_uring_sqe, fd);
    FIELD(io_uring_sqe, off);
    FIELD(io_uring_sqe, addr2);
    FIELD(io_uring_sqe, addr);
    FIELD(io_uring_sqe, splice_off_in);
    FIELD(io_uring_sqe, len);
    FIELD(io_uring_sqe, rw_flags);
    FIELD(io_uring_sqe, msg_flags);
    FIELD(io_uring_sqe, accept_flags);
    FIELD(io_uring_sqe, cancel_flags);
    FIELD(io_uring_sqe, user_data);
    FIELD(io_uring_sqe, buf_index);
    FIELD(io_uring_sqe, buf_group);
    FIELD(io_uring_sqe, personality);
    FIELD(io_uring_sqe, splice_fd_in);
    FIELD(io_uring_sqe, file_index);
    FIELD(io_uring_sqe, addr3);

    SIZE(io_uring_cqe);
    FIELD(io_uring_cqe, user_data);
    FIELD(io_uring_cqe, res);
    FIELD(io_uring_cqe, flags);

    SIZE(io_sqring_offsets);
    FIELD(io_sqring_offsets, head);
    FIELD(io_sqring_offsets, tail);
    FIELD(io_sqring_offsets, ring_mask);
    FIELD(io_sqring_offsets, ring_entries);
    FIELD(io_sqring_offsets, flags);
    FIELD(io_sqring_offsets, dropped);
    FIELD(io_sqring_offsets, array);
    FIELD(io_sqring_offsets, resv1);
    FIELD(io_sqring_offsets, resv2);

    SIZE(io_cqring_offsets);
    FIELD(io_cqring_offsets, head);
    FIELD(io_cqring_offsets, tail);
    FIELD(io_cqring_offsets, ring_mask);
    FIELD(io_cqring_offsets, ring_entries);
    FIELD(io_cqring_offsets, overflow);
    FIELD(io_cqring_offsets, cqes);
    FIELD(io_cqring_offsets, flags);
    FIELD(io_cqring_offsets, resv1);
    FIELD(io_cqring_offsets, resv2);

    SIZE(io_uring_params);
    FIELD(io_uring_params, sq_entries);
    FIELD(io_uring_params, cq_entries);
    FIELD(io_uring_params, flags);
    FIELD(io_uring_params, sq_thread_cpu);
    FIELD(io_uring_params, sq_thread_idle);
    FIELD(io_uring_params, features);
    FIELD(io_uring_params, wq_fd);
    FIELD(io_uring_params, resv);
    FIELD(io_uring_params, sq_off);
    FIELD(io_uring_params, cq_off);

    SIZE(io_uring_buf);
    FIELD(io_uring_buf, addr);
    FIELD(io_uring_buf, len);
    FIELD(io_uring_buf, bid);
    FIELD(io_uring_buf, resv);

    SIZE(io_uring_buf_reg);
    FIELD(io_uring_buf_reg, ring_addr);
    FIELD(io_uring_buf_reg, ring_entries);
    FIELD(io_uring_buf_reg, bgid);
    FIELD(io_uring_buf_reg, pad);
    FIELD(io_uring_buf_reg, resv);

    SIZE(sockaddr_in);
    FIELD(sockaddr_in, sin_family);
    FIELD(sockaddr_in, sin_port);
    FIELD(sockaddr_in, sin_addr);
    FIELD(sockaddr_in, sin_zero);

    SIZE(sockaddr_in6);
    FIELD(sockaddr_in6, sin6_family);
    FIELD(sockaddr_in6, sin6_port);
    FIELD(sockaddr_in6, sin6_flowinfo);
    FIELD(sockaddr_in6, sin6_addr);
    FIELD(sockaddr_in6, sin6_scope_id);

    SIZE(sockaddr_storage);
    FIELD(sockaddr_storage, ss_family);
    FIELD(sockaddr_storage, __ss_align);

    SIZE(iovec);
    FIELD(iovec, iov_base);
    FIELD(iovec, iov_len);

    SIZE(linger);
    FIELD(linger, l_onoff);
    FIELD(linger, l_linger);

    SIZE(io_uring_getevents_arg);
    FIELD(io_uring_getevents_arg, sigmask);
    FIELD(io_uring_getevents_arg, sigmask_sz);
    FIELD(io_uring_getevents_arg, pad);
    FIELD(io_uring_getevents_arg, ts);

    SIZE(__kernel_timespec);
    FIELD(__kernel_timespec, tv_sec);
    FIELD(__kernel_timespec, tv_nsec);

    SIZE(pollfd);
    FIELD(pollfd, fd);
    FIELD(pollfd, events);
    FIELD(pollfd, revents);
    CONST(POLLIN);

    SIZE(msghdr);
    FIELD(msghdr, msg_name);
    FIELD(msghdr, msg_namelen);
    FIELD(msghdr, msg_iov);
    FIELD(msghdr, msg_iovlen);
    FIELD(msghdr, msg_control);
    FIELD(msghdr, msg_controllen);
    FIELD(msghdr, msg_flags);

    /* <linux/io_uring.h> */
    CONST(IORING_SETUP_CQSIZE);
    CONST(IORING_SETUP_CLAMP);
    CONST(IORING_SETUP_SUBMIT_ALL);
    CONST(IORING_SETUP_COOP_TASKRUN);
    CONST(IORING_SETUP_R_DISABLED);
    CONST(IORING_SETUP_SINGLE_ISSUER);
    CONST(IORING_SETUP_DEFER_TASKRUN);
    CONST(IORING_FEAT_SINGLE_MMAP);
    CONST(IORING_FEAT_NODROP);
    CONST(IORING_FEAT_SUBMIT_STABLE);
    CONST(IORING_FEAT_FAST_POLL);
    CONST(IORING_FEAT_EXT_ARG);
    CONST(IORING_OFF_SQ_RING);
    CONST(IORING_OFF_CQ_RING);
    CONST(IORING_OFF_SQES);
    CONST(IORING_OP_NOP);
    CONST(IORING_OP_SENDMSG);
    CONST(IORING_OP_RECVMSG);
    CONST(IORING_OP_ACCEPT);
    CONST(IORING_OP_ASYNC_CANCEL);
    CONST(IORING_OP_CONNECT);
    CONST(IORING_OP_CLOSE);
    CONST(IORING_OP_SEND);
    CONST(IORING_OP_RECV);
    CONST(IORING_OP_SHUTDOWN);
    CONST(IORING_OP_FSYNC);
    CONST(IORING_OP_READ);
    CONST(IORING_OP_WRITE);
    CONST(IORING_FSYNC_DATASYNC);
    CONST(IOSQE_FIXED_FILE);
    CONST(IOSQE_ASYNC);
    CONST(IOSQE_BUFFER_SELECT);
    CONST(IOSQE_CQE_SKIP_SUCCESS);
    CONST(IORING_ACCEPT_MULTISHOT);
    CONST(IORING_RECV_MULTISHOT);
    CONST(IORING_ASYNC_CANCEL_ALL);
    CONST(IORING_ASYNC_CANCEL_FD);
    CONST(IORING_CQE_F_BUFFER);
    CONST(IORING_CQE_F_MORE);
    CONST(IORING_CQE_F_SOCK_NONEMPTY);
    CONST(IORING_CQE_BUFFER_SHIFT);
    CONST(IORING_SQ_NEED_WAKEUP);
    CONST(IORING_SQ_CQ_OVERFLOW);
    CONST(IORING_CQ_EVENTFD_DISABLED);
    CONST(IORING_ENTER_GETEVENTS);
    CONST(IORING_ENTER_EXT_ARG);
    CONST(IORING_REGISTER_PROBE);
    CONST(IORING_REGISTER_ENABLE_RINGS);
    CONST(IORING_REGISTER_EVENTFD);
    CONST(IORING_REGISTER_PBUF_RING);
    CONST(IORING_UNREGISTER_PBUF_RING);

    /* <sys/syscall.h> */
    CONST(SYS_io_uring_setup);
    CONST(SYS_io_uring_enter);
    CONST(SYS_io_uring_register);

    /* <sys/mman.h> */
    CONST(PROT_READ);
    CONST(PROT_WRITE);
    CONST(MAP_SHARED);
    CONST(MAP_PRIVATE);
    CONST(MAP_ANONYMOUS);
    CONST(MAP_POPULATE);

    /* <sys/socket.h>, <netinet/in.h>, <netinet/tcp.h> */
    CONST(AF_INET);
    CONST(AF_INET6);
    CONST(SOCK_STREAM);
    CONST(SOCK_DGRAM);
    CONST(SOCK_CLOEXEC);
    CONST(SOL_SOCKET);
    CONST(SO_REUSEADDR);
    CONST(SO_ERROR);
    CONST(SO_SNDBUF);
    CONST(SO_RCVBUF);
    CONST(SO_KEEPALIVE);
    CONST(SO_LINGER);
    CONST(SO_BROADCAST);
    CONST(IPPROTO_TCP);
    CONST(IPPROTO_UDP);
    CONST(IPPROTO_IPV6);
    CONST(TCP_NODELAY);
    CONST(IPV6_V6ONLY);
    CONST(SHUT_RD);
    CONST(SHUT_WR);
    CONST(SHUT_RDWR);
    CONST(MSG_TRUNC);
    CONST(MSG_DONTWAIT);
    CONST(MSG_NOSIGNAL);

    /* <errno.h> */
    CONST(EPERM);
    CONST(ENOENT);
    CONST(EINTR);
    CONST(EBADF);
    CONST(EAGAIN);
    CONST(ENOMEM);
    CONST(EFAULT);
    CONST(EBUSY);
    CONST(EINVAL);
    CONST(ETIME);
    CONST(ENFILE);
    CONST(EMFILE);
    CONST(EPIPE);
    CONST(ENOSYS);
    CONST(EALREADY);
    CONST(EINPROGRESS);
    CONST(EADDRINUSE);
    CONST(EADDRNOTAVAIL);
    CONST(ENETDOWN);
    CONST(ENETUNREACH);
    CONST(ENETRESET);
    CONST(ECONNABORTED);
    CONST(ECONNRESET);
    CONST(ENOBUFS);
    CONST(EISCONN);
    CONST(ENOTCONN);
    CONST(ESHUTDOWN);
    CONST(ETIMEDOUT);
    CONST(ECONNREFUSED);
    CONST(EHOSTDOWN);
    CONST(EHOSTUNREACH);
    CONST(ECANCELED);
    CONST(EAFNOSUPPORT);
    CONST(EMSGSIZE);
    CONST(EIO);
    CONST(EACCES);
    CONST(EEXIST);
    CONST(ENOTDIR);
    CONST(EISDIR);
    CONST(EFBIG);
    CONST(ENOSPC);
    CONST(ESPIPE);
    CONST(EROFS);
    CONST(ELOOP);
    CONST(ENAMETOOLONG);
    CONST(EDQUOT);
    CONST(EOPNOTSUPP);

    /* <fcntl.h>, <unistd.h> */
    CONST(O_RDONLY);
    CONST(O_WRONLY);
    CONST(O_RDWR);
    CONST(O_CREAT);
    CONST(O_EXCL);
    CONST(O_TRUNC);
    CONST(O_APPEND);
    CONST(O_CLOEXEC);
    CONST(EFD_CLOEXEC);
    CONST(SEEK_CUR);
    CONST(SEEK_END);
    CONST(RWF_NOWAIT);
    CONST(AT_FDCWD);
    return 0;
}
