/// One demo user per role, created in an empty users database so the suite can be tried at
/// once. Every demo password is "township-demo"; change them before real use.
public enum DemoUsers {
    public static let password = "township-demo"

    public static let all: [GatewayUser] = [
        GatewayUser(id: "u-leader", login: "leader", displayName: "王书记", role: .leader),
        GatewayUser(id: "u-grid", login: "grid", displayName: "李网格", role: .gridWorker, gridID: "V01-L2-1-G1", villageID: "V01"),
        GatewayUser(id: "u-dept", login: "dept", displayName: "赵科员", role: .departmentStaff, departmentID: "dept-social"),
        GatewayUser(id: "u-liaison", login: "liaison", displayName: "钱指导员", role: .liaison),
        GatewayUser(id: "u-canteen", login: "canteen", displayName: "孙食堂", role: .canteenOperator),
        GatewayUser(id: "u-employer", login: "employer", displayName: "周老板", role: .employer),
        GatewayUser(id: "u-seeker", login: "seeker", displayName: "吴求职", role: .jobSeeker),
        GatewayUser(id: "u-resident", login: "resident", displayName: "郑村民", role: .resident, villageID: "V01"),
        GatewayUser(id: "u-admin", login: "admin", displayName: "管理员", role: .admin),
    ]
}
