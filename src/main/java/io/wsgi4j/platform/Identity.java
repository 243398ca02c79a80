package io.wsgi4j.platform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A user and group that processes run as: this process's own, or the one {@code --user} and
 * {@code --group} name, with the user's supplementary groups (as initgroups gives them).
 *
 * @param user   the user's name (or {@code #uid} when the user database has no entry)
 * @param uid    the user id
 * @param group  the group's name (or {@code #gid})
 * @param gid    the primary group id
 * @param groups the supplementary group ids
 * @param home   the user's home directory ({@code /} when unknown)
 */
public record Identity(String user, int uid, String group, int gid, List<Integer> groups, String home) {

    public Identity {
        groups = List.copyOf(groups);
    }

    /** Not a valid user or group name. */
    public static final class UnknownAccountException extends Exception {
        public UnknownAccountException(String message) {
            super(message);
        }
    }

    /** This process's effective user and group, with its supplementary groups. */
    public static Identity current() {
        int uid = Libc.geteuid();
        int gid = Libc.getegid();
        List<Integer> groups;
        try {
            groups = Arrays.stream(Libc.getgroups()).boxed().toList();
        } catch (Libc.LibcException e) {
            groups = List.of(gid);
        }
        Optional<Libc.Passwd> entry = lookupUid(uid);
        return new Identity(entry.map(Libc.Passwd::name).orElse("#" + uid), uid, groupName(gid), gid, groups,
                entry.map(Libc.Passwd::home).orElse("/"));
    }

    /**
     * The user {@code user} names (a name, or {@code #uid} as Apache's User directive takes), in
     * {@code group} if given, else in the user's own primary group.
     */
    public static Identity resolve(String user, Optional<String> group) throws UnknownAccountException {
        Libc.Passwd entry;
        if (user.startsWith("#")) {
            int uid = number(user, "user");
            entry = lookupUid(uid).orElse(new Libc.Passwd(user, uid, -1, "/"));
        } else {
            try {
                entry = Libc.getpwnam(user).orElseThrow(() -> new UnknownAccountException(
                        "there is no user '" + user + "' (give a name from the user database, or #UID)"));
            } catch (Libc.LibcException e) {
                throw new UnknownAccountException("cannot look up the user '" + user + "': " + e.getMessage());
            }
        }
        int gid;
        String groupName;
        if (group.isPresent()) {
            String name = group.get();
            if (name.startsWith("#")) {
                gid = number(name, "group");
                groupName = groupName(gid);
            } else {
                try {
                    gid = Libc.getgrnam(name).orElseThrow(() -> new UnknownAccountException(
                            "there is no group '" + name + "' (give a name from the group database, or #GID)")).gid();
                } catch (Libc.LibcException e) {
                    throw new UnknownAccountException("cannot look up the group '" + name + "': " + e.getMessage());
                }
                groupName = name;
            }
        } else if (entry.gid() >= 0) {
            gid = entry.gid();
            groupName = groupName(gid);
        } else {
            throw new UnknownAccountException("the user " + user + " has no entry in the user database, so it has no "
                    + "group of its own: give the group too");
        }
        List<Integer> groups = new ArrayList<>();
        groups.add(gid);
        if (!entry.name().startsWith("#")) {
            // The user's supplementary groups, as initgroups(3) would set them.
            for (int g : Libc.getgrouplist(entry.name(), gid)) {
                if (!groups.contains(g)) {
                    groups.add(g);
                }
            }
        }
        return new Identity(entry.name(), entry.uid(), groupName, gid, groups, entry.home().isEmpty() ? "/" : entry.home());
    }

    private static int number(String text, String what) throws UnknownAccountException {
        try {
            int value = Integer.parseInt(text.substring(1));
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UnknownAccountException("'" + text + "' is not a " + what + " id (#NUMBER)");
        }
    }

    private static Optional<Libc.Passwd> lookupUid(int uid) {
        try {
            return Libc.getpwuid(uid);
        } catch (Libc.LibcException e) {
            return Optional.empty();
        }
    }

    /** The name of a user id, or {@code #uid}. */
    public static String userName(int uid) {
        return lookupUid(uid).map(Libc.Passwd::name).orElse("#" + uid);
    }

    /** The name of a group id, or {@code #gid}. */
    public static String groupName(int gid) {
        try {
            return Libc.getgrgid(gid).map(Libc.Group::name).orElse("#" + gid);
        } catch (Libc.LibcException e) {
            return "#" + gid;
        }
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** Whether a process running as this identity is this process's user and group already. */
    public boolean isCurrent() {
        return uid == Libc.geteuid() && gid == Libc.getegid();
    }

    /**
     * Makes this process (all its threads) this user and group for good: supplementary groups,
     * then the group, then the user, each real, effective and saved. Checked afterwards: a process
     * that could still become root again has not dropped anything.
     */
    public void become() throws Libc.LibcException {
        Libc.becomeUser(uid, gid, groups.stream().mapToInt(Integer::intValue).toArray());
        int[] uids = Libc.getresuid();
        int[] gids = Libc.getresgid();
        for (int i = 0; i < 3; i++) {
            if (uids[i] != uid || gids[i] != gid) {
                throw new IllegalStateException("after changing to " + this + " the process still has uids "
                        + Arrays.toString(uids) + " and gids " + Arrays.toString(gids));
            }
        }
    }

    /**
     * The arguments that make {@code setpriv} (util-linux) run a command as this user: real and
     * effective ids, and the supplementary groups; the command follows.
     */
    public List<String> setprivArguments() {
        StringBuilder list = new StringBuilder();
        for (int g : groups) {
            list.append(list.isEmpty() ? "" : ",").append(g);
        }
        return List.of("--reuid=" + uid, "--regid=" + gid, "--groups=" + list, "--");
    }

    /** The variables a process running as this user expects to describe it (as a login would set them). */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home);
        if (!user.startsWith("#")) {
            env.put("USER", user);
            env.put("LOGNAME", user);
        }
        return env;
    }

    /** "nobody (uid 65534), group nogroup (gid 65534)". */
    @Override
    public String toString() {
        return user + " (uid " + uid + "), group " + group + " (gid " + gid + ")";
    }
}
