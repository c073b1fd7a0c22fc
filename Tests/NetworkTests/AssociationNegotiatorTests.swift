import XCTest
@testable import Network

final class AssociationNegotiatorTests: XCTestCase {
    let ct = "1.2.840.10008.5.1.4.1.1.2"
    let explicitLE = "1.2.840.10008.1.2.1", implicitLE = "1.2.840.10008.1.2", jpegLS = "1.2.840.10008.1.2.4.80"
    var supported: [String: [String]] { ["1.2.840.10008.1.1": [implicitLE], ct: [jpegLS, explicitLE, implicitLE]] }

    func request(called: String = "SCP", calling: String = "SCU", contexts: [PresentationContextRQ]? = nil,
                 roles: [RoleSelection] = []) -> AssociateRQ {
        var info = UserInformation(maxPDULength: 16384)
        info.roleSelections = roles
        return AssociateRQ(calledAETitle: called, callingAETitle: calling, presentationContexts: contexts ?? [
            PresentationContextRQ(id: 1, abstractSyntax: "1.2.840.10008.1.1", transferSyntaxes: [implicitLE]),
        ], userInformation: info)
    }

    func negotiate(_ rq: AssociateRQ, policy: AssociationPolicy = AssociationPolicy(aeTitle: "SCP"), active: Int = 0) -> AssociationNegotiator.Outcome {
        AssociationNegotiator.negotiate(rq, policy: policy, supported: supported, activeAssociations: active)
    }

    func testUnknownCalledAETitleIsRejected() {
        XCTAssertEqual(negotiate(request(called: "OTHER")), .reject(AssociateRJ(result: 1, source: 1, reason: 7)))
        guard case .accept = negotiate(request(called: "OTHER"), policy: AssociationPolicy(aeTitle: "SCP").acceptingAnyCalledAETitle)
        else { return XCTFail("any called AE should be accepted") }
    }

    func testCallingAllowList() {
        let policy = AssociationPolicy(aeTitle: "SCP", callingAETitles: ["MODALITY"])
        XCTAssertEqual(negotiate(request(calling: "INTRUDER"), policy: policy), .reject(AssociateRJ(result: 1, source: 1, reason: 3)))
        guard case .accept = negotiate(request(calling: "MODALITY"), policy: policy) else { return XCTFail() }
    }

    func testLocalLimitExceeded() {
        let policy = AssociationPolicy(aeTitle: "SCP", maxAssociations: 2)
        XCTAssertEqual(negotiate(request(), policy: policy, active: 2), .reject(AssociateRJ(result: 2, source: 3, reason: 2)))
    }

    func testApplicationContextAndProtocolVersion() {
        var rq = request(); rq.applicationContextName = "1.2.3"
        XCTAssertEqual(negotiate(rq), .reject(.applicationContextNotSupported))
        var v = request(); v.protocolVersion = 2
        XCTAssertEqual(negotiate(v), .reject(.protocolVersionNotSupported))
    }

    func testContextsAndTransferSyntaxPreference() throws {
        let rq = request(contexts: [
            PresentationContextRQ(id: 1, abstractSyntax: ct, transferSyntaxes: [implicitLE, explicitLE]),
            PresentationContextRQ(id: 3, abstractSyntax: "1.2.3.4.5", transferSyntaxes: [implicitLE]),
            PresentationContextRQ(id: 5, abstractSyntax: ct, transferSyntaxes: ["1.2.840.10008.1.2.4.50"]),
            PresentationContextRQ(id: 7, abstractSyntax: ct, transferSyntaxes: [jpegLS, explicitLE]),
        ])
        guard case .accept(let ac, let n) = negotiate(rq) else { return XCTFail("rejected") }
        XCTAssertEqual(ac.presentationContexts.map(\.result), [.acceptance, .abstractSyntaxNotSupported, .transferSyntaxesNotSupported, .acceptance])
        XCTAssertEqual(ac.presentationContexts[0].transferSyntax, explicitLE, "our preference, not the requestor's order")
        XCTAssertEqual(ac.presentationContexts[3].transferSyntax, jpegLS)
        XCTAssertEqual(Set(n.contexts.keys), [1, 7])
        XCTAssertEqual(n.peerMaxPDULength, 16384)
        XCTAssertEqual(ac.userInformation.maxPDULength, 131_072)
    }

    func testRoleSelection() {
        let roles = [RoleSelection(sopClassUID: ct, scuRole: true, scpRole: true)]
        let rq = request(contexts: [PresentationContextRQ(id: 1, abstractSyntax: ct, transferSyntaxes: [explicitLE])], roles: roles)
        guard case .accept(let ac, let n) = negotiate(rq) else { return XCTFail() }
        XCTAssertEqual(ac.userInformation.roleSelections, [RoleSelection(sopClassUID: ct, scuRole: true, scpRole: false)])
        XCTAssertEqual(n.contexts[1]?.requestorIsSCP, false)
        // Role reversal only: we cannot be SCU for CT storage, so the context is rejected.
        let reversed = request(contexts: [PresentationContextRQ(id: 1, abstractSyntax: ct, transferSyntaxes: [explicitLE])],
                               roles: [RoleSelection(sopClassUID: ct, scuRole: false, scpRole: true)])
        guard case .accept(let ac2, _) = negotiate(reversed) else { return XCTFail() }
        XCTAssertEqual(ac2.presentationContexts[0].result, .userRejection)
        // When the policy lets us act as SCU, the reversal is granted.
        var policy = AssociationPolicy(aeTitle: "SCP"); policy.scuRoleSOPClasses = [ct]
        guard case .accept(let ac3, let n3) = negotiate(reversed, policy: policy) else { return XCTFail() }
        XCTAssertEqual(ac3.presentationContexts[0].result, .acceptance)
        XCTAssertEqual(n3.contexts[1]?.requestorIsSCP, true)
        // The requestor's view of the answer.
        let seen = AssociationNegotiator.accepted(ac3, for: reversed)
        XCTAssertEqual(seen.contexts[1]?.requestorIsSCP, true)
        XCTAssertEqual(seen.contexts[1]?.requestorIsSCU, false)
    }

    /// PS3.7 §D.3.3.3: the proposed window is granted up to the policy's limit, 0 (unlimited)
    /// becomes the limit, our own invocations are one at a time; no proposal, no item, 1/1.
    func testAsyncOperationsWindow() {
        func answer(_ proposed: AsyncOperationsWindow?, limit: Int = 16) -> (AsyncOperationsWindow?, AsyncOperationsWindow?) {
            var rq = request()
            rq.userInformation.asyncOperationsWindow = proposed
            var policy = AssociationPolicy(aeTitle: "SCP")
            policy.maxOperationsInvoked = limit
            guard case .accept(let ac, let n) = negotiate(rq, policy: policy) else { XCTFail("not accepted"); return (nil, nil) }
            return (ac.userInformation.asyncOperationsWindow, n.operationsWindow)
        }
        XCTAssertEqual(answer(nil).0, nil)
        XCTAssertEqual(answer(nil).1, .synchronous)
        XCTAssertEqual(answer(AsyncOperationsWindow(maxInvoked: 5, maxPerformed: 3)).0, AsyncOperationsWindow(maxInvoked: 5, maxPerformed: 1))
        XCTAssertEqual(answer(AsyncOperationsWindow(maxInvoked: 5, maxPerformed: 3)).1, AsyncOperationsWindow(maxInvoked: 5, maxPerformed: 1))
        XCTAssertEqual(answer(AsyncOperationsWindow(maxInvoked: 40, maxPerformed: 0)).0, AsyncOperationsWindow(maxInvoked: 16, maxPerformed: 1))
        XCTAssertEqual(answer(AsyncOperationsWindow(maxInvoked: 0, maxPerformed: 0), limit: 4).0, AsyncOperationsWindow(maxInvoked: 4, maxPerformed: 1))
        XCTAssertEqual(answer(AsyncOperationsWindow(maxInvoked: 8, maxPerformed: 8), limit: 1).0, .synchronous)

        // The requestor's view of the answer.
        var rq = request()
        rq.userInformation.asyncOperationsWindow = AsyncOperationsWindow(maxInvoked: 5, maxPerformed: 3)
        guard case .accept(let ac, _) = negotiate(rq) else { return XCTFail() }
        XCTAssertEqual(AssociationNegotiator.accepted(ac, for: rq).operationsWindow, AsyncOperationsWindow(maxInvoked: 5, maxPerformed: 1))
        var silent = ac; silent.userInformation.asyncOperationsWindow = nil
        XCTAssertEqual(AssociationNegotiator.accepted(silent, for: rq).operationsWindow, .synchronous)
    }
}
